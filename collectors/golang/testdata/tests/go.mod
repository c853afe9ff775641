module example.com/fixture/tests

go 1.22
