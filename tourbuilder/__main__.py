from tourbuilder.cli import main

main()
