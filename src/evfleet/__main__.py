from evfleet.cli import main

main()
