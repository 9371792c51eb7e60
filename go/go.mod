module github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go

go 1.22
