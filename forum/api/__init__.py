"""The JSON API at /api/v1: an edge over the same services, queries and policy as the pages.

core.py is the plumbing every endpoint shares (scopes, CSRF for sessions, problem+json,
cursors, ETags, running a service and committing); schemas.py the pydantic shapes; spec.py
builds the OpenAPI 3.1 document from the routes' declarations; the other modules are the
endpoints, a module per area.
"""
