"""The e-safety lead's console: a Flet web app on the hub computer (see docs/console.md)."""
