"""Down-sync (下行同步): the delta feed that keeps a phone's copy of its user's scope current."""
