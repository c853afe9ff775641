module example.com/fixture/crash

go 1.22
