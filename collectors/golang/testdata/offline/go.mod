module example.com/fixture/offline

go 1.22
