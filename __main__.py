from deepviz.cli import main

main()
