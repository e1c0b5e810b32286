"""What the portal knows without Flask or HTTP: who is working for which organisations, the wizards' steps and
the rules for reading people's answers (the services decide everything else)."""
