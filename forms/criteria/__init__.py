"""The exit criteria: 12 household, 17 village, 19 county, and the data-quality checks."""
