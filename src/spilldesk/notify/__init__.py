"""Notice packets: letters in the person's language, PDFs, manifests and delivery tracking."""
