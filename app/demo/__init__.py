"""Demo data, labelled as such: a city, its wards, a small catalog written by the project, users of every role."""
