"""The bundled demo tour "Mercury-free gold processing"."""
