"""The template's own tests: questions, rendering and every variant's checks."""
