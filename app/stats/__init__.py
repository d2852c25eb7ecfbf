"""The figures: Report 06 for any unit's subtree and period, comparisons of units, the PAR index."""
