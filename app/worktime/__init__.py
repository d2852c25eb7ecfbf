"""Working time of a unit: office hours, days off, deadlines."""
