"""Case work (issue 18): a case opened with the client's consent, the voluntary assessment, the
integration plan with its reviews, reminders, the facilitators' web-workspace access, erasure
and the funder's counts."""
