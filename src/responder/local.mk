# src/responder: (nothing yet)
