module example.com/fixture/clean

go 1.22
