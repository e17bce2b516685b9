# src/client: (nothing yet)
