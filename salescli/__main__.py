from salescli.main import main

main()
