"""Sourcebound's platform-free core: parse, ground, render, history. Imports no chat library."""
