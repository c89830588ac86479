import RefkitCLI

await RefkitMain.main()
