"""Third-party provision (第三者提供): requests, decisions, hand-overs and their records."""
