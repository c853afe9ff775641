module example.com/ws/liba

go 1.22
