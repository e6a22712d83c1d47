"""photos: evidence photos, their served copies, and the records citing them."""
