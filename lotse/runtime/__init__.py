"""Running Lotse: the `lotse` command, the supervisor of `lotse run`, migrations, backups,
logging, Rasa's endpoints file and the monitoring query."""
