module example.com/fixture/broken

go 1.22
