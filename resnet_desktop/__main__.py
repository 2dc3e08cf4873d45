from resnet_desktop.cli import main

raise SystemExit(main())
