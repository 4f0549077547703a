from crawler.localportal import main

main()
