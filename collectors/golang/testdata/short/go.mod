module example.com/fixture/short

go 1.22
