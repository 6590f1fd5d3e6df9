"""The partner API for contacts (views: serializers and endpoints; urls: under /api/v1/)."""
