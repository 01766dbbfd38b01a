"""The `wegwijs` command: training, running, triage, evaluation, benchmarks."""
