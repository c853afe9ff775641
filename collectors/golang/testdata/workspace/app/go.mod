module example.com/ws/app

go 1.22

require example.com/ws/liba v0.0.0
