"""The HTTP API under /api/v1/ (plain Django, no framework), personal API tokens and the open
data exports. Every answer is scoped by `kipu.web.accounts.scope.Scope`."""
