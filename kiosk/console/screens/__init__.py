"""The console's screens: thin functions over :class:`kiosk.console.host.ConsoleHost`."""
