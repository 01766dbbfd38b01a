"""The SMS channel's core: encoding and segments, rendering, numbered choices,
keywords, phone-number privacy, idempotency storage and the Twilio REST sender.

No Rasa imports: `connectors.sms` adapts this to Rasa; a worker can reuse the
sender, the vault and the store without a model.
"""
