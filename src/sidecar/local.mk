# src/sidecar: (nothing yet)
