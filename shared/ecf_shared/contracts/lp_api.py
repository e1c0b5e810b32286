"""lp-api's events (partnerships, participant actions) are added with the lp-api issue."""
