"""ResNet Desktop: an offline photo organizer that tags photos with ImageNet labels."""

__version__ = "0.1.0"
APP_NAME = "ResNet Desktop"
