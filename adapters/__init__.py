"""Chat adapters: Slack, Discord and the console, each a thin edge over `bot.service.Service`."""
