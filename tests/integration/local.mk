# tests/integration: (nothing yet)
