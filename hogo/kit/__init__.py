"""Small Django helpers every app may use; they import no hogo app (the floor under them all)."""
