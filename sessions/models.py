"""Mock interviews. Filled in by issue [2/6]."""
