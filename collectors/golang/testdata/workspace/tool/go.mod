module example.com/ws/tool

go 1.22

require example.com/ws/liba v0.0.0

replace example.com/ws/liba => ../liba
