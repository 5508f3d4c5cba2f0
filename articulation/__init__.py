"""articulation: gap analysis and proven-optimal bridging programmes between curricula."""

__version__ = "0.1.0"
