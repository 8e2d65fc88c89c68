"""Calendar and publishing: posts, job queue, channels, audit log."""
