"""The worker's follow-up (GBO function 8°: keep the overview, be a fallback, stay available).

- `followups.FollowUps`: a reminder SMS the day before an appointment booked by SMS with
  reminders on, and "did you get the help you needed? 1 yes, 2 no" after it.
- `answers.FollowupAnswers`: the SMS channel reads a reply to that question here
  first; a "no" invites a new help question (a new referral).
- `resends.Resends`: conversation replies Twilio did not take, sent again.
- `worker.Worker` / `worker.build_worker`: one loop for these and the handover webhooks
  (bot.referral.Deliveries); `wegwijs worker` runs it.

Every message is a row in `followup_job` with a unique key, claimed with a
lease, so it goes out once, also with several workers and after a restart.
No Rasa imports. Import from the modules (bot.followup.worker, ...): this
package itself loads nothing, so bot.flow can ask bot.followup.timing.
"""
