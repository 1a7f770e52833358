module example.com/sandbox-controls

go 1.22
