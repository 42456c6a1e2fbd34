"""Notes: the example resource, one complete CRUD resource that shows every pattern.

models.py (the table), schemas.py (what clients send and receive), repository.py (the
queries), service.py (the rules, raising AppErrors) and router.py (the HTTP API). Copy the
package to start a new resource.
"""
