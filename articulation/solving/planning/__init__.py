"""Planning: courses placed in the periods of the academic years, finishing first."""
