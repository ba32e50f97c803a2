"""``werewolf ssh-serve``: the tables over ssh, for callers with nothing installed."""
