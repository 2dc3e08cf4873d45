"""The engine of ResNet Desktop. Imports no Qt; torch is imported lazily."""
